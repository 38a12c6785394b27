"""Services own every state change: they validate, write, audit, commit, then fire events.

Views stay thin and call one service function per action.
"""
