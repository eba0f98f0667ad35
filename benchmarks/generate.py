"""Write a synthetic, valid archive of N blameless post-mortems (for benchmarks).

    python benchmarks/generate.py N DEST [--seed S] [--nav auto|default]

The output is a complete project (DEST/mkdocs.yml, DEST/postmortems/...) that
`postmortems check` accepts with 0 findings. Prose comes from word and phrase
pools with a seeded RNG, so the same seed always gives the same bytes, and the
pools are written in blameless language so the BL/AI rules stay quiet too.
YAML is written by hand (no yaml.dump) because generating 5,000 files must take
seconds, not minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

# The generated index pages every build has today; features add more (see `nav="auto"`).
DEFAULT_NAV: list[tuple[str, str]] = [
    ("Home", "index.md"),
    ("Services", "services/index.md"),
    ("Tags", "tags/index.md"),
    ("Severity", "severity/index.md"),
    ("Archive", "archive/index.md"),
]
# Index pages other features may add; `nav="auto"` lists those the installed plugin builds.
OPTIONAL_NAV: list[tuple[str, str]] = [
    ("Find", "find/index.md"),
    ("Actions", "actions/index.md"),
    ("Metrics", "metrics/index.md"),
    ("Reading lists", "reading-lists/index.md"),
    ("Writing guide", "writing-guide/index.md"),
]

END_DATE = dt.date(2026, 10, 31)  # fixed, so output never depends on the wall clock

SERVICES = [
    "api-gateway", "auth-service", "billing", "cart", "catalog", "cdn-edge", "checkout",
    "ci-runners", "config-service", "coredns", "deploy-orchestrator", "elasticsearch",
    "email-sender", "feature-flags", "fraud-scoring", "identity-provider", "image-resizer",
    "inventory", "invoicing", "kafka", "kubernetes-control-plane", "ledger", "load-balancer",
    "log-shipper", "media-storage", "metrics-pipeline", "mysql-replica", "notifications",
    "object-storage", "orders", "payments", "postgres-primary", "pricing", "rabbitmq",
    "recommendations", "redis-cache", "reviews", "search-indexer", "service-mesh",
    "session-store", "shipping", "sms-gateway", "webhooks", "warehouse-sync",
]  # fmt: skip

TAGS = [
    "timeout", "retry-storm", "connection-pool", "deploy", "config-change", "certificate",
    "dns", "capacity", "disk-full", "memory-leak", "cpu-saturation", "cache",
    "cache-stampede", "database", "replication-lag", "failover", "network", "bgp",
    "load-balancer", "rate-limit", "third-party", "dependency-upgrade", "schema-migration",
    "feature-flag", "rollback", "monitoring-gap", "alert-fatigue", "on-call", "runbook",
    "data-loss", "data-corruption", "security", "auth", "kubernetes", "autoscaling",
    "queue-backlog", "kafka", "consumer-lag", "hot-partition", "thundering-herd",
    "clock-skew", "date-handling", "encoding", "currency", "localisation", "cdn", "cookie",
    "cron", "batch-job", "backup", "restore", "quota", "cloud-provider", "region-outage",
    "split-brain", "deadlock", "gc-pause", "thread-pool", "tls", "near-miss",
]  # fmt: skip
assert len(TAGS) == 60 and len(set(TAGS)) == 60

PEOPLE = [
    ("Priya Nair", "priya"), ("Marcus Feld", "marcus"), ("Aiko Tanaka", "aiko"),
    ("Diego Alvarez", "diego"), ("Fatima Okafor", "fatima"), ("Jonas Berg", "jonas"),
    ("Lena Vogel", "lena"), ("Samir Haddad", "samir"), ("Grace Liu", "grace"),
    ("Tomasz Nowak", "tomasz"), ("Amara Diallo", "amara"), ("Ravi Menon", "ravi"),
    ("Sofia Rossi", "sofia"), ("Kwame Mensah", "kwame"), ("Elin Svensson", "elin"),
    ("Hugo Martin", "hugo"),
]  # fmt: skip
TEAMS = [
    "@platform-team", "@sre", "@payments-team", "@checkout-team", "@identity-team",
    "@data-team", "@edge-team", "@search-team", "@mobile-team", "@infra-team",
]  # fmt: skip
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-1", "eu-central-1", "us-west-2"]
PROVIDERS = ["our card processor", "the SMS provider", "the cloud provider", "the CDN vendor"]
DEPLOY_TOOLS = ["the canary pipeline", "Argo Rollouts", "the deploy orchestrator", "Helm"]

SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"]
SEVERITY_WEIGHTS = [5, 20, 45, 30]


@dataclass
class Scenario:
    """One failure mechanism; every string may use the slots filled by `_slots`."""

    key: str
    tags: list[str]
    titles: list[str]
    summary: list[str]
    cause: list[str]
    symptoms: list[str]
    fix: list[str]
    factors: dict[str, list[str]]
    gaps: dict[str, list[str]]
    actions: list[tuple[str, str, str]]  # (title, success criteria, gap)
    lessons: list[str] = field(default_factory=list)


SCENARIOS: list[Scenario] = [
    Scenario(
        "retry-storm",
        ["retry-storm", "timeout", "connection-pool", "third-party"],
        [
            "{Svc} requests timing out as retries from {dep} exhaust the connection pool",
            "Retry storm from {dep} saturates the {svc} connection pool",
            "Slow responses from {provider} amplified by {dep} retries into a {svc} outage",
        ],
        [
            "A slowdown at {provider} made {svc} hold database connections for up to {n2} "
            "seconds, and fixed-interval retries from {dep} multiplied the request rate until "
            "the pool was exhausted.",
        ],
        [
            "The call to {provider} ran while a database connection was checked out, so each "
            "slow response kept a pooled connection busy for the full {n2} s client timeout.",
            "{Dep} retried every failed request {n1} times at a fixed one-second interval, "
            "which turned a latency problem into a load problem within a minute.",
            "With {pool} connections available and roughly {rps} requests per second arriving, "
            "the pool saturated and new requests queued until their deadlines expired.",
        ],
        [
            "Requests to {svc} waited in the pool queue and {pct}% of them timed out.",
            "Thread dumps showed hundreds of workers waiting for a pooled connection.",
        ],
        [
            "lowered the client timeout to {small} s through the config service",
            "disabled {dep} retries with the flag `{flag}`",
        ],
        {
            "technology": [
                "Retries from {dep} had no jitter and no retry budget",
                "The client timeout ({n2} s) exceeded the end-to-end request budget",
            ],
            "process": ["No load test exercised {svc} with a slow downstream dependency"],
            "environment": ["Degradation at {provider} during peak traffic in {region}"],
        },
        {
            "detection": ["Alerting watched the error rate, not pool saturation"],
            "prevention": ["No retry budget between {dep} and {svc}"],
        },
        [
            (
                "Replace fixed-interval retries in {dep} with a 10% retry budget and jittered "
                "backoff",
                "Under a simulated outage of {svc}, {dep} sends at most 1.1x its baseline rate.",
                "prevention",
            ),
            (
                "Alert when pending connection requests on {svc} exceed {small} for 2 minutes",
                "The alert fires within 3 minutes in a staging drill with the pool capped at 2.",
                "detection",
            ),
            (
                "Move the {provider} call in {svc} outside the database transaction",
                "Traces show no open transaction while {svc} waits on {provider}.",
                "prevention",
            ),
        ],
        [
            "A remote call inside a transaction turns third-party latency into pool exhaustion.",
            "Retries without a budget multiply load at the worst moment.",
        ],
    ),
    Scenario(
        "cert-expiry",
        ["certificate", "tls", "monitoring-gap", "runbook"],
        [
            "Expired TLS certificate on {svc} rejects client connections",
            "{Svc} handshakes failing after an intermediate certificate expired",
        ],
        [
            "The TLS certificate served by {svc} expired at {hh}:00 UTC and clients in every "
            "region rejected the handshake until a renewed certificate was deployed.",
        ],
        [
            "The certificate was issued by hand {n1} months earlier, outside the automated "
            "renewal job, so nothing renewed it.",
            "The expiry check in the monitoring system only covered certificates stored in the "
            "secrets manager, and this one lived in a load balancer listener.",
        ],
        [
            "Clients reported `certificate has expired` and retried without success.",
            "Mobile apps pinned to the old chain showed a generic connection message.",
        ],
        [
            "issued a new certificate and attached it to the {svc} listener",
            "rolled the new chain to the {region} edge nodes",
        ],
        {
            "process": ["Manual certificate issuance bypassed the renewal inventory"],
            "technology": ["Expiry monitoring did not cover load balancer listeners"],
            "people": ["The runbook for certificate rotation had not been exercised this year"],
        },
        {
            "detection": ["No alert fired before expiry; users noticed first"],
            "knowledge": ["Only one team knew where the listener certificate was configured"],
        },
        [
            (
                "Add every load balancer listener certificate to the renewal inventory",
                "The inventory report lists all {pool} listeners with their expiry dates.",
                "prevention",
            ),
            (
                "Alert 21 days before any certificate served by {svc} expires",
                "A test certificate expiring in 20 days triggers the alert in staging.",
                "detection",
            ),
            (
                "Automate certificate issuance for {svc} through the ACME job",
                "The next renewal of {svc} happens with no manual step in the change log.",
                "prevention",
            ),
        ],
        ["Anything renewed by hand will one day not be renewed."],
    ),
    Scenario(
        "disk-full",
        ["disk-full", "database", "capacity", "replication-lag"],
        [
            "{Svc} write outage after the volume filled with retained WAL segments",
            "Disk full on {svc} stops writes for {dep}",
        ],
        [
            "The data volume of {svc} filled up with write-ahead log segments held back by an "
            "inactive replication slot, and the database refused writes from {dep}.",
        ],
        [
            "A replication slot created for a one-off migration stayed in place after the "
            "migration ended, so the primary retained every WAL segment since then.",
            "Disk usage grew by about {n1} GB per day; the 80% warning fired {n1} days "
            "earlier but routed to a channel nobody watched at weekends.",
        ],
        [
            "Writes from {dep} returned `could not extend file` and queued in the client.",
            "Read traffic continued normally, which hid the problem from the health checks.",
        ],
        [
            "dropped the inactive replication slot after confirming the migration had ended",
            "expanded the volume by {n2}% as a safety margin",
        ],
        {
            "process": ["Temporary replication slots had no owner or expiry date"],
            "technology": ["Health checks exercised reads only"],
            "environment": ["Traffic was {pct}% above the seasonal forecast"],
        },
        {
            "detection": ["The disk warning routed to a low-priority channel"],
            "recovery": ["Volume expansion needed a manual approval step at night"],
        },
        [
            (
                "Alert on inactive replication slots older than 24 hours on {svc}",
                "A test slot left idle in staging pages the on-call engineer within a day.",
                "detection",
            ),
            (
                "Add a write probe to the {svc} health check",
                "The health check turns red within 60 s when writes are refused in a drill.",
                "detection",
            ),
            (
                "Enable automatic volume growth for {svc} up to twice its current size",
                "A fill test in staging grows the volume before usage reaches 90%.",
                "recovery",
            ),
        ],
        ["Health checks that only read will miss write outages."],
    ),
    Scenario(
        "bad-deploy",
        ["deploy", "config-change", "rollback", "feature-flag"],
        [
            "{Svc} deploy with a changed default breaks requests from {dep}",
            "Configuration change in {svc} rejects valid requests after release {ver}",
            "Release {ver} of {svc} returns 500s for a subset of {dep} traffic",
        ],
        [
            "Release {ver} of {svc} changed a default that {dep} relied on, and {pct}% of its "
            "requests were rejected until the release was rolled back.",
        ],
        [
            "The new version changed the default of `{flag}` from true to false; the change "
            "was documented in the release notes but {dep} depended on the old behaviour.",
            "The canary received only internal traffic, which never exercised the code path "
            "{dep} uses, so the canary analysis passed.",
            "{Deploytool} promoted the release to all regions within {n1} minutes.",
        ],
        [
            "{Dep} logged HTTP 500 responses from {svc} for one request type only.",
            "The overall error rate stayed under the paging threshold for the first minutes.",
        ],
        [
            "rolled {svc} back to the previous release with {deploytool}",
            "pinned `{flag}` explicitly in the {dep} client configuration",
        ],
        {
            "process": ["Contract tests between {dep} and {svc} did not cover defaults"],
            "technology": ["Canary traffic did not represent external clients"],
        },
        {
            "prevention": ["No contract test for the defaults {dep} relies on"],
            "communication": ["Release notes of {svc} did not reach the {dep} owners"],
        },
        [
            (
                "Add a contract test in the {svc} pipeline for every default {dep} depends on",
                "Changing the default of `{flag}` in a branch fails the {svc} build.",
                "prevention",
            ),
            (
                "Route {pct}% of external traffic to the {svc} canary",
                "Canary analysis for {svc} includes external request types in its report.",
                "prevention",
            ),
            (
                "Publish breaking changes of {svc} to the consumer mailing list automatically",
                "The next release with a changed default produces a message to consumers.",
                "communication",
            ),
        ],
        ["A canary only protects the traffic it receives."],
    ),
    Scenario(
        "consumer-lag",
        ["kafka", "consumer-lag", "queue-backlog", "gc-pause"],
        [
            "{Svc} consumer lag delays {dep} events by {n1} minutes",
            "Backlog on the {svc} topic after a consumer group rebalance loop",
        ],
        [
            "Consumers of {svc} entered a rebalance loop and lag grew to {big} messages, so "
            "{dep} processed events up to {n1} minutes late.",
        ],
        [
            "Long garbage-collection pauses pushed consumers past `max.poll.interval.ms`, the "
            "broker removed them from the group, and every rejoin triggered a new rebalance.",
            "A larger batch size shipped the week before doubled the heap used per poll.",
        ],
        [
            "Events reached {dep} late; customers saw stale order states for {n1} minutes.",
            "Lag graphs showed a saw-tooth pattern as consumers joined and left the group.",
        ],
        [
            "reduced the batch size back to {pool} records",
            "added two consumer instances to drain the backlog",
        ],
        {
            "technology": ["Batch size and poll interval were tuned separately"],
            "process": ["Consumer configuration changes skipped the load test"],
        },
        {
            "detection": ["Lag alerts used a fixed threshold tuned for quiet hours"],
            "knowledge": ["The rebalance loop pattern was not in the {svc} runbook"],
        },
        [
            (
                "Alert on consumer group rebalances per hour for {svc}",
                "More than 3 rebalances in 10 minutes pages the on-call engineer in a drill.",
                "detection",
            ),
            (
                "Add the rebalance loop diagnosis to the {svc} runbook",
                "The runbook entry lists the graphs and the two settings to check.",
                "knowledge",
            ),
            (
                "Load test consumer configuration changes for {svc} before release",
                "The pipeline blocks a config change whose load test shows lag above 1,000.",
                "prevention",
            ),
        ],
        ["Two settings tuned apart can fail together."],
    ),
    Scenario(
        "dns",
        ["dns", "kubernetes", "capacity", "cpu-saturation"],
        [
            "{Svc} lookups timing out after cluster DNS saturated",
            "Intermittent name resolution failures in {region} affect {svc} and {dep}",
        ],
        [
            "Cluster DNS in {region} saturated after an upgrade removed the node-local cache, "
            "and {svc} and {dep} saw intermittent lookup timeouts for {n1} minutes.",
        ],
        [
            "The upgrade reset the DNS deployment to its default of two replicas, which could "
            "not serve the {rps} queries per second the cluster generates.",
            "Clients used the default `ndots:5`, so each lookup produced several queries.",
        ],
        [
            "Roughly {pct}% of requests from {svc} spent five seconds waiting for DNS.",
            "Errors appeared in many services at once, which pointed away from any one deploy.",
        ],
        [
            "scaled the DNS deployment to {small} replicas",
            "restored the node-local cache from the previous cluster template",
        ],
        {
            "technology": ["The cluster template did not pin DNS replica counts"],
            "process": ["Upgrade checklists did not compare add-on settings before and after"],
        },
        {
            "prevention": ["DNS capacity was not part of the upgrade plan"],
            "detection": ["No alert on DNS query latency per node"],
        },
        [
            (
                "Pin DNS replica counts and the node-local cache in the cluster template",
                "A diff of add-on settings before and after the next upgrade is empty.",
                "prevention",
            ),
            (
                "Alert when p99 DNS latency in {region} exceeds 100 ms for 5 minutes",
                "A load test in staging triggers the alert within 10 minutes.",
                "detection",
            ),
            (
                "Set `ndots:2` in the pod template used by {svc}",
                "Query counts per request from {svc} fall by at least half in the metrics.",
                "prevention",
            ),
        ],
        ["Shared infrastructure fails everywhere at once; start the search there."],
    ),
    Scenario(
        "cache-stampede",
        ["cache", "cache-stampede", "thundering-herd", "database"],
        [
            "Cache flush on {svc} sends a thundering herd to {dep}",
            "{Svc} cache stampede overloads {dep} after key expiry",
        ],
        [
            "A bulk expiry of cache keys in {svc} sent every request to {dep} at once, and "
            "{dep} stayed overloaded for {n1} minutes.",
        ],
        [
            "All keys were written by one nightly job with the same TTL, so they expired in "
            "the same second.",
            "Cache misses had no request coalescing, so {rps} identical queries reached {dep}.",
        ],
        [
            "Page load times rose from {small}00 ms to over {n1} s for product pages.",
            "{Dep} CPU reached 100% and its own health checks started to time out.",
        ],
        [
            "re-warmed the cache from the replica with a rate-limited job",
            "enabled request coalescing with the flag `{flag}`",
        ],
        {
            "technology": ["Identical TTLs for a whole key space", "No request coalescing"],
            "process": ["The nightly job was changed without a load review"],
        },
        {
            "prevention": ["TTLs had no jitter"],
            "recovery": ["No documented way to re-warm the cache safely"],
        },
        [
            (
                "Add 10% random jitter to TTLs written by the {svc} cache job",
                "Key expiries in {svc} spread over at least 10 minutes in the metrics.",
                "prevention",
            ),
            (
                "Enable request coalescing for cache misses in {svc}",
                "A load test with a cold cache sends at most one query per key to {dep}.",
                "prevention",
            ),
            (
                "Write a rate-limited cache warm-up procedure for {svc}",
                "A cold-cache drill completes with {dep} CPU below 70%.",
                "recovery",
            ),
        ],
        ["Synchronised expiry is a scheduled outage."],
    ),
    Scenario(
        "date-bug",
        ["date-handling", "localisation", "currency", "data-corruption"],
        [
            "{Svc} shows wrong amounts for one currency after a formatting change",
            "Week-year date format in {svc} writes invoices into the wrong year",
        ],
        [
            "A formatting change in {svc} handled one edge case of dates or currency units "
            "incorrectly, and {n1} records written by {dep} needed correction.",
        ],
        [
            "The format string used the week-based year, which differs from the calendar year "
            "in the last days of December and the first days of January.",
            "Unit tests used fixed dates in the middle of the year, so none covered the edge.",
        ],
        [
            "Customers saw documents dated a year ahead.",
            "Reconciliation between {svc} and {dep} reported {n1} mismatched rows.",
        ],
        [
            "corrected the format string and redeployed {svc}",
            "ran a backfill that rewrote the affected records from the audit log",
        ],
        {
            "technology": ["Two similar format tokens with very different meanings"],
            "process": ["No property-based tests for date and currency formatting"],
        },
        {
            "prevention": ["Tests did not cover year boundaries or zero-decimal currencies"],
            "detection": ["Reconciliation ran weekly rather than daily"],
        },
        [
            (
                "Add property-based tests across year boundaries for {svc} formatting",
                "The test suite fails when the week-based year token is used in {svc}.",
                "prevention",
            ),
            (
                "Run the {svc} reconciliation job daily",
                "The job history shows a daily run for 30 consecutive days.",
                "detection",
            ),
            (
                "Add a lint rule that rejects the week-year token in {svc} format strings",
                "A branch using the token fails the lint step in the {svc} pipeline.",
                "prevention",
            ),
        ],
        ["Calendar edges deserve their own tests."],
    ),
    Scenario(
        "bgp",
        ["bgp", "network", "region-outage", "third-party"],
        [
            "Route leak at an upstream provider makes {svc} unreachable from {region}",
            "{Region} users lose access to {svc} during an upstream routing incident",
        ],
        [
            "An upstream network accepted a route leak and sent traffic for our prefixes "
            "through a congested path, so users in {region} could not reach {svc}.",
        ],
        [
            "Our prefixes were announced without RPKI route origin authorisations, so the "
            "upstream had no signal to reject the leaked routes.",
            "Traffic steering between regions relied on manual changes in the DNS provider.",
        ],
        [
            "Packet loss from {region} reached {pct}% on the edge dashboards.",
            "Synthetic checks from other regions stayed green the whole time.",
        ],
        [
            "steered {region} traffic to the next closest region through DNS",
            "asked the upstream to withdraw the leaked routes",
        ],
        {
            "environment": ["A route leak at a network we do not operate"],
            "technology": ["No RPKI origin authorisations for our prefixes"],
            "process": ["Traffic steering required a manual DNS change"],
        },
        {
            "detection": ["Synthetic checks did not run from inside {region}"],
            "recovery": ["Regional failover was manual"],
        },
        [
            (
                "Publish RPKI route origin authorisations for all announced prefixes",
                "An RPKI validator reports every announced prefix as valid.",
                "prevention",
            ),
            (
                "Run synthetic checks for {svc} from probes inside {region}",
                "Blocking the probe network in a drill raises an alert within 5 minutes.",
                "detection",
            ),
            (
                "Automate regional traffic steering for {svc} behind a single command",
                "A game day moves {region} traffic in under 5 minutes with one command.",
                "recovery",
            ),
        ],
        ["Probes outside the affected network cannot see its outage."],
    ),
    Scenario(
        "memory-leak",
        ["memory-leak", "autoscaling", "dependency-upgrade", "kubernetes"],
        [
            "{Svc} pods restarting every {n1} minutes after a library upgrade",
            "Memory growth in {svc} causes rolling restarts and dropped requests",
        ],
        [
            "A library upgrade in {svc} leaked memory on every request that carried a large "
            "header, and pods restarted every {n1} minutes under load.",
        ],
        [
            "Version {ver} of the HTTP client kept a reference to each response buffer in a "
            "debug registry that was enabled by default.",
            "The autoscaler added pods, which spread the leak but did not stop it.",
        ],
        [
            "About {pct}% of requests to {svc} failed while pods restarted.",
            "Memory graphs showed a steady climb to the container limit after every restart.",
        ],
        [
            "pinned the previous library version and redeployed {svc}",
            "raised the memory limit temporarily to keep pods alive during the rollout",
        ],
        {
            "technology": ["A debug registry enabled by default in a minor release"],
            "process": ["Dependency upgrades merged without a soak test"],
        },
        {
            "detection": ["No alert on restart rate per deployment"],
            "prevention": ["Soak tests were not part of the upgrade pipeline"],
        },
        [
            (
                "Add a 2-hour soak test to dependency upgrades of {svc}",
                "The upgrade pipeline for {svc} blocks merges whose soak shows memory growth.",
                "prevention",
            ),
            (
                "Alert when {svc} pods restart more than 3 times in 30 minutes",
                "A drill that kills pods in staging raises the alert.",
                "detection",
            ),
        ],
        ["Autoscaling hides a leak; it does not fix it."],
    ),
    Scenario(
        "rate-limit",
        ["rate-limit", "quota", "third-party", "batch-job"],
        [
            "{Svc} hits the rate limit of {provider} during a batch run",
            "Batch job exhausts the shared API quota and blocks {svc}",
        ],
        [
            "A batch job used the same API credentials as {svc}, consumed the shared quota at "
            "{provider}, and interactive requests were throttled for {n1} minutes.",
        ],
        [
            "The batch job and {svc} shared one API key, so their requests counted against "
            "one quota of {big} calls per hour.",
            "The job had been moved to a faster worker pool, which tripled its call rate.",
        ],
        [
            "{Svc} received HTTP 429 responses for {pct}% of its calls.",
            "Customers saw delays of several minutes for confirmations.",
        ],
        [
            "paused the batch job through the scheduler",
            "requested a temporary quota increase from {provider}",
        ],
        {
            "technology": ["One credential for batch and interactive traffic"],
            "process": ["Worker pool changes did not review downstream quotas"],
        },
        {
            "prevention": ["No per-client rate limit in front of the shared quota"],
            "communication": ["The job owners were not told the quota was shared"],
        },
        [
            (
                "Issue separate API credentials for the batch job and {svc}",
                "Quota dashboards at {provider} show two clients with their own limits.",
                "prevention",
            ),
            (
                "Cap the batch job at 30% of the shared quota with a client-side limiter",
                "A test run of the job stays under 30% of the hourly quota.",
                "prevention",
            ),
        ],
        ["Shared quotas need an owner and a budget per client."],
    ),
    Scenario(
        "failover",
        ["failover", "split-brain", "database", "clock-skew"],
        [
            "{Svc} failover leaves two primaries accepting writes",
            "Slow failover of {svc} stops writes from {dep} for {n1} minutes",
        ],
        [
            "During a planned maintenance, the failover of {svc} took {n1} minutes instead of "
            "seconds, and writes from {dep} were refused until a new primary was promoted.",
        ],
        [
            "The failover manager waited for a replica whose clock was {n1} seconds behind, "
            "which made its lag look larger than it was.",
            "The promotion timeout had been raised during an earlier incident and never "
            "returned to its documented value.",
        ],
        [
            "Writes from {dep} returned read-only errors.",
            "Dashboards showed both nodes as healthy, which slowed diagnosis.",
        ],
        [
            "promoted the healthy replica manually",
            "synchronised clocks on the replica hosts",
        ],
        {
            "technology": [
                "Clock drift on replica hosts",
                "Promotion timeout left at a raised value",
            ],
            "process": ["Temporary settings had no expiry or follow-up ticket"],
        },
        {
            "detection": ["No alert on clock offset between database hosts"],
            "recovery": ["Manual promotion steps were spread over two documents"],
        },
        [
            (
                "Alert when clock offset between {svc} hosts exceeds 100 ms",
                "Skewing a staging host by 1 s raises the alert within 5 minutes.",
                "detection",
            ),
            (
                "Merge the manual promotion steps for {svc} into one runbook page",
                "A failover drill is completed by a new on-call engineer using only that page.",
                "recovery",
            ),
            (
                "Track temporary configuration overrides on {svc} with an expiry date",
                "The override report lists each override with an owner and an end date.",
                "prevention",
            ),
        ],
        ["Temporary settings outlive the incident that needed them."],
    ),
]

# Generic sentences that vary the prose; every slot is filled by `_slots`.
DETECT = [
    "The alert on {metric} paged the on-call engineer for {svc}, {ttd} minutes in.",
    "A customer support ticket reached the {team} queue first; the page followed shortly.",
    "Synthetic checks for {svc} turned red and paged the on-call engineer.",
    "The alert on {metric} fired and the incident channel was opened.",
    "An engineer on the {dep} team noticed the change on the {metric} dashboard.",
]
RESPONSE = [
    "The incident commander opened a bridge and assigned a scribe.",
    "The first hypothesis was an unrelated deploy of {dep}; checking it took {n1} minutes.",
    "Responders compared the {metric} graphs of {svc} and {dep} side by side.",
    "A status page update went out to customers.",
    "The team confirmed the mechanism from logs and traces.",
    "Responders paused all deploys to {svc} while the cause was unknown.",
]
WELL = [
    "The page fired within minutes of the first symptoms.",
    "The incident channel had a clear commander and a scribe from the start.",
    "The rollback path for {svc} was documented and worked as written.",
    "Customers received a status page update within {n1} minutes.",
    "Traces made the slow dependency visible on the first dashboard responders opened.",
    "The {dep} team joined the bridge quickly and shared their graphs.",
    "The feature flag `{flag}` let responders disable the path without a deploy.",
]
WRONG = [
    "Responders spent {n1} minutes on an unrelated deploy because the dashboards did not "
    "show {metric}.",
    "The runbook for {svc} did not describe this failure mode.",
    "Two teams worked on the same hypothesis without knowing it.",
    "The alert on {metric} routed to a channel that is quiet at night.",
    "The status page was updated later than the internal channel.",
    "Access to the {svc} production console required an approval that took {n1} minutes.",
    "Logs from {dep} were sampled, which hid the first failing requests.",
]
FACTORS = [
    "The dashboards for {svc} did not include {metric}.",
    "The load test environment for {svc} runs at a tenth of production scale.",
    "Ownership of {dep} moved between teams last quarter and the runbook lagged behind.",
    "The change was reviewed, but the review template had no question about {dep}.",
    "Traffic was {pct}% above the usual level for the time of day.",
    "Alert thresholds for {svc} were last tuned when traffic was half its current size.",
]
LESSONS = [
    "Saturation signals belong next to error rates on dashboards; saturation leads.",
    "A runbook entry is only as good as its last drill.",
    "Every temporary change needs an owner and an end date.",
    "The dependency graph between {svc} and {dep} was richer than the diagrams showed.",
    "Detection time dominated this incident; the fix itself took minutes.",
    "Making the safe path the default beats documenting the unsafe one.",
]
EXTRA_ROOT = [
    "Nothing in the change review asked how {dep} would behave if {svc} slowed down.",
    "The same mechanism was visible in staging logs, but staging has no alerting.",
    "The system behaved exactly as configured; the configuration did not match the load.",
    "The code path had been in place for {n1} months and only this traffic shape exposed it.",
]
METRICS = [
    "p99 latency", "error rate", "pool wait time", "queue depth", "consumer lag",
    "CPU saturation", "disk usage", "restart count", "5xx rate", "DNS latency",
]  # fmt: skip
FLAGS = [
    "retries_enabled", "strict_mode", "coalesce_misses", "async_writes", "legacy_path",
    "fast_path", "batch_mode", "use_v2_client",
]  # fmt: skip
IMPACT_LINES = [
    "About {users} users were affected over {duration} minutes.",
    "{pct}% of requests to {svc} failed or timed out at the peak.",
    "{slo}% of the monthly error budget of {svc} was consumed.",
    "Downstream, {dep} queued work that it processed after recovery.",
    "No data was lost; delayed work completed after recovery.",
    "Support received {n1}0 tickets during the incident.",
]
WONT_DO_REASONS = [
    "Superseded by the platform migration, which removes this code path.",
    "The service is being retired next quarter; the risk is covered by the migration plan.",
    "A wider change in the shared library covers this case.",
]


@dataclass
class _Incident:
    id: str
    date: dt.date
    scenario: Scenario
    services: list[str]


class _Slots(dict):
    """Named slots; numbers are drawn afresh at every use, so figures vary within a text."""

    NUMBERS: ClassVar[dict[str, tuple[int, int]]] = {
        "n1": (3, 40),
        "n2": (10, 60),
        "small": (2, 8),
        "pct": (5, 70),
        "rps": (50, 900),
    }

    def __init__(self, rng: random.Random, values: dict[str, str]) -> None:
        super().__init__(values)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        low, high = self.NUMBERS[key]
        return str(self.rng.randint(low, high))


def _slots(rng: random.Random, svc: str, dep: str, version: int) -> _Slots:
    return _Slots(
        rng,
        {
            "svc": svc,
            "Svc": svc[0].upper() + svc[1:],
            "dep": dep,
            "Dep": dep[0].upper() + dep[1:],
            "provider": rng.choice(PROVIDERS),
            "region": rng.choice(REGIONS),
            "Region": rng.choice(REGIONS),
            "deploytool": rng.choice(DEPLOY_TOOLS),
            "Deploytool": rng.choice(DEPLOY_TOOLS).capitalize(),
            "flag": f"{svc.replace('-', '_')}.{rng.choice(FLAGS)}",
            "metric": rng.choice(METRICS),
            "team": rng.choice(TEAMS).lstrip("@"),  # prose names the team, not its handle
            "ver": f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{version % 10}",
            "pool": str(rng.choice([20, 40, 64, 120, 240])),
            "big": f"{rng.randint(2, 90) * 1000:,}",
            "hh": f"{rng.randint(0, 23):02d}",
        },
    )


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.()%/'-]*[A-Za-z0-9.)%]$")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def _scalar(text: str) -> str:
    """A YAML scalar: plain when unambiguous, otherwise a JSON (= YAML double-quoted) string."""
    if _PLAIN.match(text) and ": " not in text and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _fill(template: str, slots: _Slots) -> str:
    return template.format_map(slots)


def _slugify(title: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:60].rstrip("-")


_PUNCT_TOKEN = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")


def _words(text: str) -> int:
    """Words as a reader counts them: tokens with a letter or digit (table pipes are not)."""
    return len(text.split()) - len(_PUNCT_TOKEN.findall(text))


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    span = max(365, int(n * 0.6))
    start = END_DATE - dt.timedelta(days=span)
    return sorted(start + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))


def _render(
    rng: random.Random,
    incident: _Incident,
    by_service: dict[str, list[_Incident]],
    by_scenario: dict[str, list[_Incident]],
    seq: int,
) -> tuple[str, str]:
    """One post-mortem: (file name stem, text)."""
    sc = incident.scenario
    svc, dep = incident.services[0], incident.services[-1]
    if dep == svc:
        dep = rng.choice([s for s in SERVICES if s != svc])
    slots = _slots(rng, svc, dep, seq)
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    title = _fill(rng.choice(sc.titles), slots)

    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    started = dt.datetime(
        incident.date.year, incident.date.month, incident.date.day, hour, minute, tzinfo=dt.UTC
    )
    detected = started + dt.timedelta(minutes=rng.randint(1, 45))
    mitigated = detected + dt.timedelta(minutes=rng.randint(5, 180))
    resolved = mitigated + dt.timedelta(minutes=rng.randint(5, 240))
    review = resolved + dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 8))
    duration = int((mitigated - started).total_seconds() // 60)
    users = rng.randint(1, 400) * 100
    slo = round(rng.uniform(0.5, 80.0), 1)
    ttd = int((detected - started).total_seconds() // 60)
    slots.update(users=f"{users:,}", duration=str(duration), slo=str(slo), ttd=str(ttd))

    tags = list(dict.fromkeys(rng.sample(sc.tags, rng.randint(2, 4)) + rng.sample(TAGS, 2)))
    writers = rng.sample(PEOPLE, rng.randint(1, 3))

    opening = _fill(rng.choice(sc.summary), slots)  # the body's summary repeats it
    summary = (
        opening
        + " "
        + _fill(
            f"Responders {rng.choice(sc.fix)}; service recovered after {duration} minutes.", slots
        )
    )

    fm = [
        "---",
        f"id: {incident.id}",
        f"title: {_scalar(title)}",
        f"date: {incident.date.isoformat()}",
        f"severity: {severity}",
        "status: published",
        f"summary: {_scalar(summary)}",
        f"services: {_flow(incident.services)}",
        f"tags: {_flow(tags)}",
        f"started: {_ts(started)}",
        f"detected: {_ts(detected)}",
        f"mitigated: {_ts(mitigated)}",
        f"resolved: {_ts(resolved)}",
        f"postmortem_date: {_ts(review)}",
        f"authors: {_flow([name for name, _ in writers])}",
        f"visibility: {rng.choice(['internal', 'internal', 'public'])}",
        "impact:",
        f"  users_affected: {users}",
        f"  duration_minutes: {duration}",
    ]
    if rng.random() < 0.6:
        fm.append(f"  revenue_usd: {rng.randint(1, 900) * 100}")
    fm += [
        f"  slo_budget_pct: {slo}",
        "  data_loss: false",
        f"  customer_facing: {'true' if rng.random() < 0.7 else 'false'}",
        f"  description: {_scalar(_fill(rng.choice(sc.symptoms), slots))}",
        "contributing_factors:",
    ]
    for category in sorted(sc.factors):
        fm.append(f"  {category}:")
        fm += [f"    - {_scalar(_fill(line, slots))}" for line in sc.factors[category]]
    fm.append("gaps:")
    for gap in sorted(sc.gaps):
        fm.append(f"  {gap}:")
        fm += [f"    - {_scalar(_fill(line, slots))}" for line in sc.gaps[gap]]
    fm.append("action_items:")
    templates = rng.sample(sc.actions, min(len(sc.actions), rng.randint(1, 5)))
    if len(templates) < 5 and rng.random() < 0.5:
        templates.append(
            (
                "Add the {svc} {metric} graph to the on-call overview dashboard",
                "The on-call overview shows {metric} for {svc} next to its error rate.",
                "detection",
            )
        )
    project = svc.split("-")[0].upper()
    for number, (action, criteria, gap) in enumerate(templates, start=1):
        due = incident.date + dt.timedelta(days=rng.randint(7, 90))
        owner = f"@{rng.choice(writers)[1]}" if rng.random() < 0.6 else rng.choice(TEAMS)
        roll = rng.random()
        if due > END_DATE:  # not due yet on the archive's last day
            status = "open" if roll < 0.8 else "in-progress"
        else:
            status = "done" if roll < 0.75 else "in-progress" if roll < 0.85 else "open"
        if status == "done" and rng.random() < 0.12:
            status = "wont-do"
        fm += [
            f"  - id: AI-{number}",
            f"    title: {_scalar(_fill(action, slots))}",
            f"    owner: {_scalar(owner)}",
            f"    due: {due.isoformat()}",
            f"    status: {status}",
            f"    ticket: https://tracker.example.com/{project}-{seq * 7 + number}",
            f"    success_criteria: {_scalar(_fill(criteria, slots))}",
            f"    priority: {rng.choice(['high', 'high', 'medium', 'low'])}",
            f"    gap: {gap}",
        ]
        if status in ("done", "wont-do"):
            closed = min(due, incident.date + dt.timedelta(days=rng.randint(3, 60)))
            fm.append(f"    closed: {max(closed, incident.date).isoformat()}")
        if status == "wont-do":
            fm.append(f"    reason: {_scalar(rng.choice(WONT_DO_REASONS))}")
    related = _related(rng, incident, by_service)
    fm.append(f"related: {_flow(related)}")
    previous = by_scenario.get(sc.key, [])
    if previous and rng.random() < 0.1:
        candidates = [p for p in previous[-20:] if p.services[0] == svc] or previous[-5:]
        fm.append(f"recurrence_of: {rng.choice(candidates).id}")
    fm.append("---")

    body = _body(rng, sc, slots, opening, started, detected, mitigated, resolved)
    stem = f"{incident.date.isoformat()}-{_slugify(title)}"
    return stem, "\n".join(fm) + "\n" + body


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _related(
    rng: random.Random, incident: _Incident, by_service: dict[str, list[_Incident]]
) -> list[str]:
    if rng.random() >= 0.3:
        return []
    pool = [p for s in incident.services for p in by_service.get(s, [])[-10:]]
    ids = sorted({p.id for p in pool})
    return rng.sample(ids, min(len(ids), rng.randint(1, 2))) if ids else []


def _body(
    rng: random.Random,
    sc: Scenario,
    slots: _Slots,
    opening: str,
    started: dt.datetime,
    detected: dt.datetime,
    mitigated: dt.datetime,
    resolved: dt.datetime,
) -> str:
    def pick(pool: list[str], k: int) -> list[str]:
        return [_fill(s, slots) for s in rng.sample(pool, min(k, len(pool)))]

    summary = [opening, *pick(sc.symptoms, 1)]
    impact = pick(IMPACT_LINES, rng.randint(2, 4))
    timeline = [
        (started, "First symptoms: " + _lower_first(_fill(rng.choice(sc.symptoms), slots))),
        (detected, pick(DETECT, 1)[0]),
    ]
    step = detected
    for sentence in pick(RESPONSE, rng.randint(1, 3)):
        step = step + (mitigated - detected) / 4
        timeline.append((step, sentence))
    fixes = [_fill(f, slots) for f in sc.fix]
    timeline.append((mitigated, "Responders " + fixes[0] + "; the symptoms stopped."))
    timeline.append((resolved, "Metrics back at baseline; incident resolved."))
    root = [_fill(s, slots) for s in sc.cause]
    factors = [_fill(f, slots) for lines in sc.factors.values() for f in lines]
    well = pick(WELL, rng.randint(2, 3))
    wrong = pick(WRONG, rng.randint(2, 3))
    lessons = [_fill(s, slots) for s in sc.lessons] + pick(LESSONS, rng.randint(1, 2))

    # Pad towards a target length from pools that fit anywhere; then trim if needed.
    target = rng.randint(330, 470)
    extras = [
        (root, pick(EXTRA_ROOT, len(EXTRA_ROOT))),
        (factors, pick(FACTORS, len(FACTORS))),
        (wrong, pick(WRONG, len(WRONG))),
        (well, pick(WELL, len(WELL))),
        (lessons, pick(LESSONS, len(LESSONS))),
    ]

    def text() -> str:
        out = ["## Summary", "", " ".join(summary), "", "## Impact", ""]
        out += [f"- {line}" for line in impact]
        out += ["", "## Timeline", "", "| Time (UTC) | Event |", "|---|---|"]
        out += [f"| {when:%H:%M} | {event} |" for when, event in timeline]
        out += ["", "## Root cause", "", " ".join(root), "", "## Contributing factors", ""]
        out += [f"- {line}" for line in factors]
        out += ["", "## What went well", ""] + [f"- {line}" for line in well]
        out += ["", "## What went wrong", ""] + [f"- {line}" for line in wrong]
        out += ["", "## Lessons learned", ""] + [f"- {line}" for line in lessons]
        return "\n".join(out) + "\n"

    count = _words(text())  # then kept up to date sentence by sentence
    turn = 0
    while count < target and any(pool for _, pool in extras):
        section, pool = extras[turn % len(extras)]
        turn += 1
        if pool:
            candidate = pool.pop()
            if candidate not in section:
                section.append(candidate)
                count += _words(candidate)
    for section in (impact, factors, well):
        while count > 500 and len(section) > 2:
            count -= _words(section.pop())
    return text()


HOME = """---
title: Incident archive
---
This is a synthetic archive of blameless post-mortems, generated for benchmarks.
Each write-up follows the same eight sections and asks what about our systems
and processes allowed the incident to happen.
"""


def _config(nav: list[tuple[str, str]]) -> str:
    lines = [
        "site_name: Synthetic incident archive",
        "docs_dir: postmortems",
        "theme:",
        "  name: material",
        "  font: false",
        "markdown_extensions:",
        "  - tables",
        "  - admonition",
        "  - attr_list",
        "  - md_in_html",
        "  - toc:",
        "      permalink: true",
        "plugins:",
        "  - search",
        "  - postmortems",
        "nav:",
    ]
    lines += [f"  - {title}: {src}" for title, src in nav]
    return "\n".join(lines) + "\n"


def auto_nav(dest: Path) -> list[tuple[str, str]]:
    """The default nav plus every optional index page the installed plugin generates."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
    from mkdocs_postmortems import build
    from mkdocs_postmortems.loader import discover
    from mkdocs_postmortems.settings import Settings

    docs = dest / "postmortems"
    settings = Settings()
    sources = list(discover(docs, settings.exclude))[:50]
    archive = build.build_archive(sources, settings, END_DATE, docs)
    made = {page.src_uri for page in build.generated_pages(archive)}
    made |= {p.relative_to(docs).as_posix() for p in docs.rglob("index.md")}
    return DEFAULT_NAV + [(title, src) for title, src in OPTIONAL_NAV if src in made]


def generate(
    n: int,
    dest: Path | str,
    seed: int = 0,
    nav: list[tuple[str, str]] | str | None = None,
) -> Path:
    """Write mkdocs.yml, postmortems/index.md and N post-mortems into dest; return dest.

    nav: a list of (title, src_uri); None for the five default pages; "auto" for the
    default pages plus the optional index pages the installed plugin generates.
    """
    rng = random.Random(seed)
    dest = Path(dest)
    docs = dest / "postmortems"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(HOME, encoding="utf-8")

    services = sorted(rng.sample(SERVICES, rng.randint(20, 40)))
    dates = _dates(rng, n)
    incidents: list[_Incident] = []
    by_service: dict[str, list[_Incident]] = {}
    by_scenario: dict[str, list[_Incident]] = {}
    per_day: dict[dt.date, int] = {}
    made_dirs: set[int] = set()
    stems: set[str] = set()
    for seq, date in enumerate(dates):
        per_day[date] = per_day.get(date, 0) + 1
        scenario = rng.choice(SCENARIOS)
        incident = _Incident(
            f"INC-{date.isoformat()}-{per_day[date]:03d}",
            date,
            scenario,
            rng.sample(services, rng.randint(1, 3)),
        )
        stem, text = _render(rng, incident, by_service, by_scenario, seq)
        if stem in stems:  # the same title twice on one day
            stem = f"{stem}-{per_day[date]}"
        stems.add(stem)
        if date.year not in made_dirs:
            (docs / str(date.year)).mkdir(exist_ok=True)
            made_dirs.add(date.year)
        (docs / str(date.year) / f"{stem}.md").write_text(text, encoding="utf-8")
        incidents.append(incident)
        for service in incident.services:
            by_service.setdefault(service, []).append(incident)
        by_scenario.setdefault(scenario.key, []).append(incident)

    if nav == "auto":
        nav = auto_nav(dest)
    (dest / "mkdocs.yml").write_text(_config(list(nav or DEFAULT_NAV)), encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many post-mortems")
    parser.add_argument("dest", type=Path, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--nav",
        choices=["default", "auto"],
        default="default",
        help="default: the five core pages; auto: plus the index pages features generate",
    )
    args = parser.parse_args(argv)
    generate(args.n, args.dest, args.seed, "auto" if args.nav == "auto" else None)
    print(f"wrote {args.n} post-mortems to {args.dest / 'postmortems'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
