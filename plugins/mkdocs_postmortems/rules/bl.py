"""BL: blameless language. (Filled in by the blameless-linter work.)"""
