"""Printed documents of the hall: the written notices a case gives the applicant and the departments."""
