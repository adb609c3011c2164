# Poll purposes, their rules in words, and the checks of the poll form.
poll-purpose = 投票用途
poll-purpose-hint = 选择用途后，下面的表决规则按法规自动选好；本单位选举办法或议事规则另有规定的，可以再修改。
poll-purpose-union-election = 工会选举
poll-purpose-union-election-hint = 《工会基层组织选举工作条例》：参加人数须达应到会有选举权人数的三分之二以上，候选人得票须超过应到会有选举权人数的半数方可当选。
poll-purpose-congress-resolution = 教代会决议
poll-purpose-congress-resolution-hint = 须有三分之二以上代表出席，赞成票超过全体代表的半数方为通过。
poll-purpose-consultation = 意见征集
poll-purpose-consultation-hint = 不设到会人数要求，只统计各项票数，不作通过或当选的决定。
poll-err-purpose = 请选择投票用途：工会选举、教代会决议或意见征集。
poll-err-purpose-kind = “{ $purpose }”与所选类型不符：工会选举须选“选举”，教代会决议须选“表决”。请改选类型或用途。
poll-rule-purpose = 用途：{ $purpose }。本次规则：
poll-rule-report-only = 意见征集只统计票数，不作通过或当选的决定。
poll-report-only = 意见征集，只统计票数，不作决定
officials-err-candidate = 监票人、计票人不能是本次投票的候选人：{ $names }。请另选监票人或计票人。
poll-err-candidate-official = { $names } 是本次选举的候选人，不能同时担任监票人或计票人。请另选监票人、计票人，或修改候选人名单。
officials-not-candidates = 监票人、计票人可以现在填写，也可以以后在投票页面填写；候选人不能担任监票人或计票人。
