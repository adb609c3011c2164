# Award selections: a tie at the cut of a round is settled by a runoff; the quota holds.
sel-runoff-badge = Runoff
sel-runoff-due = Round { $number } ended in a tie at the cut: { $names } compete for { $places } places. The runoff is among them only, with the electorates and weights of round { $number }; nobody else is affected.
sel-open-runoff = Start the runoff vote
sel-open-runoff-confirm = Start the runoff vote among the tied nominees?
sel-err-tie-unresolved = { $names } are tied at the cut for { $places } places: hold a runoff among them first.
sel-err-over-quota = { $approved } nominees are approved, more than the { $quota } places: the principal's office must remove the excess, with a reason, before publicity.
