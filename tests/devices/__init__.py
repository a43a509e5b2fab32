"""Tests of the device side: drivers against emulators, and the agent against a stand-in server."""
