# Paging of the roster API.
api-err-page = Pages are numbered from 1: the first page is page=1 (or no page at all); please use 1 or more.
