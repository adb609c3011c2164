# The list of overdue proposals the home page links to.
proposal-overdue-title = 逾期未答复的提案
proposal-overdue-hint = 各次会议中已交办、过了答复期限还没有答复的提案，期限最早的在前。
proposal-overdue-empty = 目前没有逾期未答复的提案。
proposal-overdue-session = 会议
