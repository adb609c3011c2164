# Paging of the roster API.
api-err-page = 頁碼從 1 開始：第一頁是 page=1（不寫 page 也是第一頁），請改用 1 或更大的頁碼。
