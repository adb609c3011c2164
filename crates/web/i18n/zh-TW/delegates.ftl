# Confirming a term's delegate list after its composition checks.
congress-list-unconfirmed = 代表名單尚未確認。核對上面的代表構成後，確認名單。
congress-list-confirmed = 名單已於 { $when } 由 { $who } 確認（{ $count } 名代表）。
congress-list-confirmed-with-warnings = 確認時已知悉代表構成的提示。
congress-list-changed = 名單在確認後有變動，請核對後重新確認。
congress-list-has-warnings = 代表構成有上面標紅的提示（人數不足、教師代表低於 60% 或校領導和中層超過 20%）。如確有原因仍要確認，請勾選下面一項。
congress-acknowledge = 已知悉以上提示，仍確認名單
congress-confirm-list = 確認代表名單
congress-confirm-list-confirm = 確認後名單將記錄在案，確定確認嗎？
congress-err-list-empty = 還沒有代表，不能確認名單。
congress-err-acknowledge = 代表構成有提示：請勾選「已知悉以上提示，仍確認名單」後再確認。
