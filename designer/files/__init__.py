"""Files on disk and between people: the checked save, autosave and recovery, share by email, one app per user."""
