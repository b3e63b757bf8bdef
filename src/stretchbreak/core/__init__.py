"""The pure core: routine model, validation, session engine, break policy, streaks and store.

Nothing under `stretchbreak.core` may import textual, apscheduler or plyer (a test checks this).
"""
