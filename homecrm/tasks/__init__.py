"""Tasks: the board, timers and timesheets."""
