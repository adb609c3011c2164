# Why a delegate left the delegate list with the member's status (congress.md).
delegate-left-transferred-out = 調出
delegate-left-retired = 退休
delegate-left-deceased = 去世
