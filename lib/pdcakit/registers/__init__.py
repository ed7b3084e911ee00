"""The registers the method keeps beside the ticket export: feedback and complaints.

- :mod:`~pdcakit.registers.schema`: the two table contracts and the feedback classes
- :mod:`~pdcakit.registers.loading`: reading them through the ticket pipeline's mapping
  and error contract
- :mod:`~pdcakit.registers.lexicon`: classifying feedback words (Chinese via jieba, English)
  with a lexicon the team edits, and its agreement with a class the export carries
- :mod:`~pdcakit.registers.feedback`: class shares, their Pareto, p charts and changes
- :mod:`~pdcakit.registers.complaints`: time to close, closed by the deadline, overdue
  cases by owner, repeat complaints, and their changes
"""
