# Poll purposes, their rules in words, and the checks of the poll form.
poll-purpose = Purpose of the vote
poll-purpose-hint = The purpose preselects the rules the regulations give it; change them below only if your own election or meeting rules say otherwise.
poll-purpose-union-election = Union election
poll-purpose-union-election-hint = Regulations on elections in grassroots unions: at least two thirds of those entitled must take part; a candidate needs more than half of those entitled to vote.
poll-purpose-congress-resolution = Staff congress resolution
poll-purpose-congress-resolution-hint = At least two thirds of the delegates present; passed with more than half of all delegates.
poll-purpose-consultation = Consultation
poll-purpose-consultation-hint = No quorum; the counts are reported, nothing is passed or elected.
poll-err-purpose = Please choose the purpose of the vote: union election, staff congress resolution or consultation.
poll-err-purpose-kind = “{ $purpose }” does not fit the chosen type: a union election is an election, a congress resolution is a yes/no vote. Please change the type or the purpose.
poll-rule-purpose = Purpose: { $purpose }. Rules used:
poll-rule-report-only = A consultation only reports the counts; nothing is passed or elected.
poll-report-only = Consultation: counts only, no decision
officials-err-candidate = Scrutineers and counters cannot be candidates in this vote: { $names }. Please name other scrutineers or counters.
poll-err-candidate-official = { $names } stands as a candidate in this election and cannot also be a scrutineer or counter. Please name other scrutineers or counters, or change the list of candidates.
officials-not-candidates = Scrutineers and counters can be named now or later on the poll page; a candidate cannot be one.
