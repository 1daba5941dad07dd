-- wrk script: single POST /v1/messages, a GSM-7 body to one of 1,000,000 destinations.
-- The API key comes from the environment (DELIVERER_BENCH_KEY), never from argv.
local key = os.getenv("DELIVERER_BENCH_KEY") or ""
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

request = function()
  counter = counter + 1
  local to = string.format("+447911%06d", counter % 1000000)
  local body = '{"to":"' .. to .. '","from":"Deliverer","body":"Your code is ' ..
      string.format("%06d", counter % 1000000) .. '. It expires in 10 minutes."}'
  return wrk.format(nil, "/v1/messages", nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("errors_socket %d\n",
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("non2xx %d\n", summary.errors.status))
  io.write(string.format("p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.3f\n", latency:percentile(99) / 1000))
end
