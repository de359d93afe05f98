"""Tailor: pure functions from the whole booklet to the booklet one reader gets.

Owns choosing and ordering content for an audience (`audience`); personal
copies and languages tailor here too. Takes validated models from
`booklet.content` and returns models; it does no I/O and must not import
`booklet.render`, `pdf`, `build` or `cli`.
"""
