"""The results model and its writers: Gradescope's results.json, Markdown and HTML
feedback, JUnit, the terminal report and the class reports. Imports neither the grading
nor the sandbox code.
"""
