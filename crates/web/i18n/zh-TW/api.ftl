# Errors of the HTTP layer itself (any route): requests the server cannot read.
err-method-not-allowed = 此位址不支援這種請求方式（HTTP 方法），請按 API 文件使用 GET、POST 等正確的方法。
err-bad-query = 位址中的查詢參數無法讀取：{ $detail }。請按 API 文件檢查參數名稱和取值。
err-bad-path = 位址中的編號無法讀取：{ $detail }。請檢查連結是否完整。
err-bad-form = 表單內容無法讀取，可能缺少必填項或頁面已過期。請重新整理頁面後重新填寫並送出。
err-unsupported-media-type = 請求內容的格式（Content-Type）不對：API 請傳送 application/json，表單請從頁面送出。
err-bad-request = 請求無法讀取：{ $detail }。請檢查後重試。
