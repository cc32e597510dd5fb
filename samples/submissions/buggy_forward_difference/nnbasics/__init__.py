"""Homework 3: nnbasics."""
