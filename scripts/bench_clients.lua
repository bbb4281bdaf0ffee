-- wrk script for scripts/bench-clients: the raw HTTP floor. Each request is a `pay_again` with the
-- body our clients send and a merchant_uid of its own; the run ends once WRK_CHARGES answers
-- arrived (wrk itself only knows durations, so the last few in flight are counted as well).
-- Environment: WRK_TOKEN (access token), WRK_CHARGES, WRK_CUSTOMER, WRK_PREFIX.
local sent = 0
local answered = 0
local limit = tonumber(os.getenv("WRK_CHARGES") or "20000")
local customer = os.getenv("WRK_CUSTOMER") or "bench"
local prefix = os.getenv("WRK_PREFIX") or "wrk-"
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN"),
}

request = function()
  sent = sent + 1
  local body = '{"customer_uid":"' .. customer .. '","merchant_uid":"' .. prefix .. sent
    .. '","amount":9900}'
  return wrk.format("POST", "/subscribe/payments/again", headers, body)
end

response = function(status, _, _)
  answered = answered + 1
  if status ~= 200 then
    io.stderr:write("HTTP " .. status .. "\n")
  end
  if answered == limit then
    -- SIGINT makes wrk stop and print its summary. Not os.execute: system() ignores SIGINT in
    -- the caller while the command runs, so the signal would be lost.
    io.popen("kill -INT $PPID")
  end
end
