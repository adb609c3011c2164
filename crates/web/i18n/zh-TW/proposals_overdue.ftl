# The list of overdue proposals the home page links to.
proposal-overdue-title = 逾期未答覆的提案
proposal-overdue-hint = 各次會議中已交辦、過了答覆期限還沒有答覆的提案，期限最早的在前。
proposal-overdue-empty = 目前沒有逾期未答覆的提案。
proposal-overdue-session = 會議
