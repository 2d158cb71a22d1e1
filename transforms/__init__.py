"""Pure pandas transformations: frames in, frames out. No Prefect, no I/O, no environment."""
