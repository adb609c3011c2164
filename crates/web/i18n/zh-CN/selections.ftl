# Award selections: a tie at the cut of a round is settled by a runoff; the quota holds.
sel-runoff-badge = 并列加赛
sel-runoff-due = 第 { $number } 轮名次线上并列：{ $names } 争 { $places } 个名额。加赛只在他们之间投票，投票群体和权重与第 { $number } 轮相同；其他人不受影响。
sel-open-runoff = 开始加赛投票
sel-open-runoff-confirm = 将在并列者之间开始加赛投票，确定开始吗？
sel-err-tie-unresolved = { $names } 在名次线上并列，争 { $places } 个名额：请先在他们之间加赛一轮。
sel-err-over-quota = 同意的人选有 { $approved } 人，超过名额 { $quota } 人：请由校长室去掉多出的人选并写明原因后再公示。
