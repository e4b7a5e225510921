-- wrk script for bench/consultation_posts.py: every request is a fresh, valid consultation
-- form, as a browser sends it after opening the form.
--
-- Each POST carries a new CSRF secret in the csrftoken cookie and that secret masked in the
-- form (exactly what Django puts in a page), a new submission_token (UUID) and a unique email.
-- The signed `started` value is made once by the Python script with the server's SECRET_KEY
-- (the server runs with CONSULTATION_MIN_FILL_SECONDS=0, so one value is accepted all along).
--
-- Arguments after `--`: <started, URL-encoded> <run number> [<CSRF cookie name>]
-- (the cookie is "__Host-csrftoken" in production, "csrftoken" on a laptop).

local CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
local N = #CHARS

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("thread_id", next_id)
    table.insert(threads, thread)
end

local started, run, counter, csrf_cookie = "", 0, 0, "csrftoken"
local fixed = ""

function init(args)
    started = args[1]
    run = tonumber(args[2])
    csrf_cookie = args[3] or "csrftoken"
    math.randomseed(run * 7919 + thread_id * 104729)
    redirects, others = 0, 0
    fixed = "first_name=Dana&last_name=Whitfield&phone=%28202%29+555-0143&date_of_birth=1984-06-02"
        .. "&preferred_contact=phone&best_times=morning&best_times=evening&interest=tms&has_prescriber=yes"
        .. "&insurance_carrier=Bluepeak+Mutual&heard_about=search&message=Two+medicines+so+far."
        .. "&consent_to_contact=on&privacy_acknowledged=on&website=&article="
        .. "&started=" .. started
end

local function random_string(length)
    local out = {}
    for i = 1, length do
        local k = math.random(1, N)
        out[i] = CHARS:sub(k, k)
    end
    return table.concat(out)
end

-- django.middleware.csrf._mask_cipher_secret
local function mask(secret)
    local key = random_string(32)
    local out = {}
    for i = 1, 32 do
        local s = CHARS:find(secret:sub(i, i), 1, true) - 1
        local k = CHARS:find(key:sub(i, i), 1, true) - 1
        local j = (s + k) % N + 1
        out[i] = CHARS:sub(j, j)
    end
    return key .. table.concat(out)
end

function request()
    counter = counter + 1
    local secret = random_string(32)
    local token = string.format(
        "%08x-%04x-4%03x-%04x-%012x", run, thread_id, math.random(0, 4095), 0x8000 + math.random(0, 0x3fff), counter
    )
    local body = fixed
        .. "&email=bench-" .. run .. "-" .. thread_id .. "-" .. counter .. "%40example.com"
        .. "&submission_token=" .. token
        .. "&csrfmiddlewaretoken=" .. mask(secret)
    local headers = {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = csrf_cookie .. "=" .. secret,
    }
    return wrk.format("POST", "/consultation/", headers, body)
end

function response(status, headers, body)
    if status == 302 then
        redirects = redirects + 1
    else
        others = others + 1
        if others <= 3 then
            io.stderr:write("unexpected status " .. status .. "\n")
        end
    end
end

function done(summary, latency, requests)
    local total_redirects, total_others = 0, 0
    for _, thread in ipairs(threads) do
        total_redirects = total_redirects + thread:get("redirects")
        total_others = total_others + thread:get("others")
    end
    io.write(string.format("bench-statuses: 302=%d other=%d\n", total_redirects, total_others))
end
