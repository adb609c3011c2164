# Errors of the HTTP layer itself (any route): requests the server cannot read.
err-method-not-allowed = 此地址不支持这种请求方式（HTTP 方法），请按 API 文档使用 GET、POST 等正确的方法。
err-bad-query = 地址中的查询参数无法读取：{ $detail }。请按 API 文档检查参数名称和取值。
err-bad-path = 地址中的编号无法读取：{ $detail }。请检查链接是否完整。
err-bad-form = 表单内容无法读取，可能缺少必填项或页面已过期。请刷新页面后重新填写并提交。
err-unsupported-media-type = 请求内容的格式（Content-Type）不对：API 请发送 application/json，表单请从页面提交。
err-bad-request = 请求无法读取：{ $detail }。请检查后重试。
