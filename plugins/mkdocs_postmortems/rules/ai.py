"""AI: the quality of action items. (Filled in by the blameless-linter work.)"""
