# Paging of the roster API.
api-err-page = 页码从 1 开始：第一页是 page=1（不写 page 也是第一页），请改用 1 或更大的页码。
