# The list of overdue proposals the home page links to.
proposal-overdue-title = Overdue proposals
proposal-overdue-hint = Proposals of every session handed to a department whose reply is past its due date, the oldest due date first.
proposal-overdue-empty = No proposal is overdue.
proposal-overdue-session = Session
