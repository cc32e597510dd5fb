"""What the instructor hands out or exports: the student release, its notebook, the
GitHub Classroom workflow, the Gradescope bundle and the nbgrader and otter exports.
"""
