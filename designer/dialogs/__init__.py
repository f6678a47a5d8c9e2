"""The windows opened from the menus: contract terms, funding, options appraisal, compare, connect to."""
