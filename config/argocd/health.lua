-- Argo CD health check for mesh.weft.dev/MeshControlPlane.
-- Healthy:     Ready is True and the operator has observed the current generation.
-- Degraded:    Reconciled is False for the current generation (invalid spec, namespace conflict,
--              apply failure): it will not fix itself without a change.
-- Progressing: everything else (no status yet, a newer generation not yet observed, components
--              still starting, the object being deleted).
-- Written for Lua 5.1 (gopher-lua, as embedded in Argo CD): no goto, no integer division.
local hs = {}

local function findCondition(conditions, conditionType)
  if conditions == nil then
    return nil
  end
  for _, condition in ipairs(conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function describe(condition)
  local text = condition.reason or ""
  if condition.message ~= nil and condition.message ~= "" then
    if text ~= "" then
      text = text .. ": "
    end
    text = text .. condition.message
  end
  return text
end

-- A condition is current when it carries no observedGeneration or the object's generation.
local function isCurrent(condition, generation)
  return condition.observedGeneration == nil or generation == nil or condition.observedGeneration >= generation
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "MeshControlPlane is being deleted"
  return hs
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end

local reconciled = findCondition(obj.status.conditions, "Reconciled")
if reconciled ~= nil and reconciled.status == "False" and isCurrent(reconciled, generation) then
  hs.status = "Degraded"
  hs.message = describe(reconciled)
  return hs
end

local observed = obj.status.observedGeneration
if observed == nil or (generation ~= nil and observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local ready = findCondition(obj.status.conditions, "Ready")
if ready == nil or not isCurrent(ready, generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
else
  hs.status = "Progressing"
end
hs.message = describe(ready)
return hs
