# Confirming a term's delegate list after its composition checks.
congress-list-unconfirmed = The delegate list is not confirmed yet. Check the composition above, then confirm the list.
congress-list-confirmed = Confirmed on { $when } by { $who } ({ $count } delegates).
congress-list-confirmed-with-warnings = The composition warnings were acknowledged.
congress-list-changed = The list changed after it was confirmed; check it and confirm again.
congress-list-has-warnings = The composition has the warnings marked in red above (too few delegates, teachers below 60 % or leaders above 20 %). If there is a reason to confirm anyway, tick the box below.
congress-acknowledge = I have noted the warnings above and confirm the list anyway
congress-confirm-list = Confirm the delegate list
congress-confirm-list-confirm = The list will be recorded as confirmed. Confirm it?
congress-err-list-empty = There are no delegates yet; the list cannot be confirmed.
congress-err-acknowledge = The composition has warnings: tick "I have noted the warnings above and confirm the list anyway" to confirm.
