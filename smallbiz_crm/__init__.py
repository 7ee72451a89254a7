"""Smallbiz CRM: a desktop relationship manager for the owner of a small shop."""

__version__ = "0.1.0"
APP_NAME = "Smallbiz CRM"
