# Poll purposes, their rules in words, and the checks of the poll form.
poll-purpose = 投票用途
poll-purpose-hint = 選擇用途後，下面的表決規則按法規自動選好；本單位選舉辦法或議事規則另有規定的，可以再修改。
poll-purpose-union-election = 工會選舉
poll-purpose-union-election-hint = 《工會基層組織選舉工作條例》：參加人數須達應到會有選舉權人數的三分之二以上，候選人得票須超過應到會有選舉權人數的半數方可當選。
poll-purpose-congress-resolution = 教代會決議
poll-purpose-congress-resolution-hint = 須有三分之二以上代表出席，贊成票超過全體代表的半數方為通過。
poll-purpose-consultation = 意見徵集
poll-purpose-consultation-hint = 不設到會人數要求，只統計各項票數，不作通過或當選的決定。
poll-err-purpose = 請選擇投票用途：工會選舉、教代會決議或意見徵集。
poll-err-purpose-kind = 「{ $purpose }」與所選類型不符：工會選舉須選「選舉」，教代會決議須選「表決」。請改選類型或用途。
poll-rule-purpose = 用途：{ $purpose }。本次規則：
poll-rule-report-only = 意見徵集只統計票數，不作通過或當選的決定。
poll-report-only = 意見徵集，只統計票數，不作決定
officials-err-candidate = 監票人、計票人不能是本次投票的候選人：{ $names }。請另選監票人或計票人。
poll-err-candidate-official = { $names } 是本次選舉的候選人，不能同時擔任監票人或計票人。請另選監票人、計票人，或修改候選人名單。
officials-not-candidates = 監票人、計票人可以現在填寫，也可以以後在投票頁面填寫；候選人不能擔任監票人或計票人。
