"""The Qt window. Everything here talks to the database only through the Qt-free core."""
