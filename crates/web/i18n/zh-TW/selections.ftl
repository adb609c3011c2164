# Award selections: a tie at the cut of a round is settled by a runoff; the quota holds.
sel-runoff-badge = 並列加賽
sel-runoff-due = 第 { $number } 輪名次線上並列：{ $names } 爭 { $places } 個名額。加賽只在他們之間投票，投票群體和權重與第 { $number } 輪相同；其他人不受影響。
sel-open-runoff = 開始加賽投票
sel-open-runoff-confirm = 將在並列者之間開始加賽投票，確定開始嗎？
sel-err-tie-unresolved = { $names } 在名次線上並列，爭 { $places } 個名額：請先在他們之間加賽一輪。
sel-err-over-quota = 同意的人選有 { $approved } 人，超過名額 { $quota } 人：請由校長室去掉多出的人選並寫明原因後再公示。
