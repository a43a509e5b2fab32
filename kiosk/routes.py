"""Kiosk routes."""
