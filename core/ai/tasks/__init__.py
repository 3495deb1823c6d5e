"""The tasks the AI door can run, one module (or small family of modules) per task."""
