"""Collab's domain: one module per concept, one public function per user intent.

Each function runs one transaction and returns plain data; none imports the transport.
"""
