"""resident_info (居民信息采集): the resident and household register. Gridwork loads it
through ``plugins.resident_info.hooks``; other plugins reach it only through its events and
the services it registers (``resident_info.get_residents``, ``resident_info.find_by_tag_rule``)."""
