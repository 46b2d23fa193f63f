"""Every database query of the service, one typed function per idea.

Views call these; they never build SQL themselves.
"""
