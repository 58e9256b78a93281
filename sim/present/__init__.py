"""Presentation: reading saved results, figures, the HTML report and the dashboard.

Everything here reads what runs and experiments saved; nothing re-runs the model, except the
dashboard, which steps one replicate live in the browser.
"""
