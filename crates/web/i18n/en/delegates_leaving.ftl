# Why a delegate left the delegate list with the member's status (congress.md).
delegate-left-transferred-out = Transferred out
delegate-left-retired = Retired
delegate-left-deceased = Deceased
