"""What is one person's own across areas: their calendar feed of meetings and congress places."""
