def seed_demo_data(session, county_path, org_nodes):
    return None
