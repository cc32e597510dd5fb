"""The course being taught: where its folders are and what its parts are."""
