"""The similarity report over a class (`nnkit similarity`, `grade-all --similarity`).

`code.py` reads each submission's package through the kit's upload reader
(`grading.sandbox.uploads.prepare`, with its caps) into one text per submission;
`pairs.py` fingerprints the texts with copydetect (winnowed k-gram hashes of the
tokenized code, names replaced, as MOSS does), with the release's stub code as
boilerplate, and keeps the pairs above a threshold; `report.py` writes the pairs as an
HTML index, a side-by-side page per pair, and a CSV. No student code is run.
"""
