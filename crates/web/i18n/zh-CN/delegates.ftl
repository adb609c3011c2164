# Confirming a term's delegate list after its composition checks.
congress-list-unconfirmed = 代表名单尚未确认。核对上面的代表构成后，确认名单。
congress-list-confirmed = 名单已于 { $when } 由 { $who } 确认（{ $count } 名代表）。
congress-list-confirmed-with-warnings = 确认时已知悉代表构成的提示。
congress-list-changed = 名单在确认后有变动，请核对后重新确认。
congress-list-has-warnings = 代表构成有上面标红的提示（人数不足、教师代表低于 60% 或校领导和中层超过 20%）。如确有原因仍要确认，请勾选下面一项。
congress-acknowledge = 已知悉以上提示，仍确认名单
congress-confirm-list = 确认代表名单
congress-confirm-list-confirm = 确认后名单将记录在案，确定确认吗？
congress-err-list-empty = 还没有代表，不能确认名单。
congress-err-acknowledge = 代表构成有提示：请勾选“已知悉以上提示，仍确认名单”后再确认。
