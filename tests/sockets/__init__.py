"""Socket tests with Flask-SocketIO's test client: who may send what, who receives what."""
