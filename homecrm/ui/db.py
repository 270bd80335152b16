"""Database access from pages: one cached engine per URL, one session per read or action."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from homecrm.config import load_config
from homecrm.store import make_engine, make_session_factory, read_session, write_session

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    return engine, make_session_factory(engine)


def database_url() -> str:
    return load_config().database_url


def factory() -> sessionmaker[Session]:
    return _engine(database_url())[1]


@contextmanager
def reading() -> Iterator[Session]:
    with read_session(factory()) as session:
        yield session


@contextmanager
def writing() -> Iterator[Session]:
    with write_session(factory()) as session:
        yield session


def read(fn: Callable[[Session], T]) -> T:
    with reading() as session:
        return fn(session)
