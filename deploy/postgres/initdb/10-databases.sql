-- One database per service: each service owns its schema and runs its own
-- migrations at start-up. Run once, when the data volume is first created
-- (the /docker-entrypoint-initdb.d convention of the postgres image).
CREATE DATABASE application_intake;
CREATE DATABASE eligibility_verification;
CREATE DATABASE registry_gateway;
CREATE DATABASE notification;
CREATE DATABASE complaints;
