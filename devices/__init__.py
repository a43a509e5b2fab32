"""Device side of the hall: ports, drivers, emulators and the agent that links them to the server."""
