"""Ticket printers: the ESC/POS driver, the ticket layout and a TCP 9100 printer emulator."""
